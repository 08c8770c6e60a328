"""The core's own storage-facing tests, collected again here so they run with S3 storage.

Collected in this folder, they get tests/s3/conftest.py's fixtures: the default storage is
S3 on moto and `stored_objects` lists the bucket.
"""

import pytest

from tests.api.test_files import (  # noqa: F401 - the API's storage-facing tests, on S3
    test_an_upload_over_the_limit_is_413_and_leaves_nothing,
    test_an_upload_stores_one_row_and_one_object,
    test_another_user_cannot_delete_and_no_alert_is_sent,
    test_another_user_cannot_patch_and_nothing_changes,
    test_patch_over_the_limit_is_413_and_keeps_the_old_content,
    test_staff_deleting_someones_file_is_recorded_as_staff,
)
from tests.faults.test_database_faults import *  # noqa: F403 - the object goes on S3 too
from tests.test_delete import *  # noqa: F403
from tests.test_health import (  # noqa: F401
    test_readyz_answers_200_when_database_and_storage_answer,
)
from tests.test_replace import *  # noqa: F403
from tests.test_upload import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("fresh_throttle")  # as in tests/api/conftest.py
