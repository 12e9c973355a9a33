"""Strings that other packages show in the portal's admin, kept in the portal's catalogue.

``make messages`` (``makemessages --no-obsolete``) keeps only the msgids it finds in the
portal's own sources, so a translation of a package's string would be dropped on the next run.
These packages ship no Vietnamese for the strings below (django-tasks none at all; Django's
admin lacks its newer ones), and the portal's catalogue comes first in ``LOCALE_PATHS``: naming
them here keeps their translations. Nothing imports this module; each string is exactly the
package's msgid (``ntm_portal/tests/test_third_party_strings.py`` checks them against the
installed packages, so an upgrade that changes one fails there).
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

# django-tasks' database backend (django_tasks_db/models.py): the admin's "Task Results" list.
# Its app name, "Tasks Database Backend", is a plain string there: ntm_portal/tasks_app.py
# names it through gettext.
DJANGO_TASKS = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("priority"),
    gettext_noop("queue name"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("args kwargs"),
]

# django-tasks' states (django_tasks/base.py, TaskResultStatus), with their context.
DJANGO_TASKS_STATES = [
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
]

# Django's admin templates (admin/base.html, color_theme_toggle.html, nav_sidebar.html,
# app_list.html, change_list.html, index.html): msgids newer than its Vietnamese catalogue.
DJANGO_ADMIN = [
    gettext_noop("Skip to main content"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Sidebar"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    # admin/options.py, templatetags/admin_list.py: the lists' checkboxes (their accessible names).
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Select all objects on this page for an action"),
    # widgets/related_widget_wrapper.html: the eye beside a chosen unit or user.
    gettext_noop("View selected %(model)s"),
    # change_form.html, change_password.html, …: the page's title when a form has errors.
    gettext_noop("Error:"),
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 1),
]

# Django's users in the admin (contrib/auth/forms.py and admin.py, admin/auth/user/*.html):
# the add form's password choice, the change form's password summary, the password page.
DJANGO_ADMIN_USERS = [
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still "
        "be able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop("Reset password"),
    gettext_noop("Set password"),
    gettext_noop("Set password: %s"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("This action will <strong>enable</strong> password-based authentication for this user."),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Conflicting form data submitted. Please try again."),
]

# django-axes (axes/models.py, axes/admin.py): the admin's sign-in attempts, failures and logs.
# It ships no Vietnamese catalogue.
DJANGO_AXES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Failed Logins"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Logout Time"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Form Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
]
