"""Excel import: hand out a template, check an upload cell by cell, apply it all or nothing.

``archive`` refuses hostile files before openpyxl opens them; ``reader`` turns the workbook
into plain cells; ``template`` builds the template; ``checks`` compares the cells with the
database (errors and preview); ``services`` keeps, checks and applies a batch; ``forms``
are the page's forms. The criteria-level sheet (summary records of past years) has its own
``summary_template``, ``summary_read`` (cells → rows, no ORM) and ``summary_checks``, and
shares the reader, the forms' file checks and the services.
"""
