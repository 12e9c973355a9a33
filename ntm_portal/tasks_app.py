"""django-tasks' database backend under a name the catalogue translates.

Its own ``TasksAppConfig.verbose_name`` is a plain string, so the admin's index and breadcrumbs
showed "Tasks Database Backend" in Vietnamese too. Same app (name and label), only the name
shown changes; a module of its own so that ``ntm_portal``'s app config stays its module's only one.
"""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Tasks Database Backend")
