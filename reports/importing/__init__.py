"""Excel import: hand out a template, check an upload cell by cell, apply it all or nothing.

``archive`` refuses hostile files before openpyxl opens them; ``reader`` turns the workbook
into plain cells; ``template`` builds the template; ``checks`` compares the cells with the
database (errors and preview); ``services`` keeps, checks and applies a batch; ``forms``
are the page's forms.
"""
