#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")
    # manage.py is the developer's tool: it runs in development mode unless DEBUG says
    # otherwise. The WSGI entry point (gunicorn, make serve) never defaults to it.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
