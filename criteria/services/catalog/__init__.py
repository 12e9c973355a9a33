"""The criteria catalog: load the TOML files (``loading``), clone a set as a new draft version
and publish it (``versions``)."""

from criteria.services.catalog.loading import CATALOG_DIR, CatalogError, LoadResult, catalog_load_dir, catalog_load_file
from criteria.services.catalog.versions import (
    MSG_ALREADY_PUBLISHED,
    MSG_CLONE_NATIONAL,
    MSG_CLONE_OTHER_PROVINCE,
    MSG_CRITERION_WITHOUT_INDICATOR,
    MSG_EMPTY_SET,
    MSG_MISSING_TARGETS,
    MSG_REQUIRED_TARGET_GAP,
    MSG_REQUIRED_WITHOUT_TARGET,
    MSG_SAME_DECISION,
    MSG_SAME_NAME,
    PublishBlocker,
    PublishRefused,
    catalog_set_clone,
    catalog_set_publish,
    check_publishable,
    publish_blockers,
)

__all__ = [
    "CATALOG_DIR",
    "MSG_ALREADY_PUBLISHED",
    "MSG_CLONE_NATIONAL",
    "MSG_CLONE_OTHER_PROVINCE",
    "MSG_CRITERION_WITHOUT_INDICATOR",
    "MSG_EMPTY_SET",
    "MSG_MISSING_TARGETS",
    "MSG_REQUIRED_TARGET_GAP",
    "MSG_REQUIRED_WITHOUT_TARGET",
    "MSG_SAME_DECISION",
    "MSG_SAME_NAME",
    "CatalogError",
    "LoadResult",
    "PublishBlocker",
    "PublishRefused",
    "catalog_load_dir",
    "catalog_load_file",
    "catalog_set_clone",
    "catalog_set_publish",
    "check_publishable",
    "publish_blockers",
]
