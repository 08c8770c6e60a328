"""The trash, versions, quotas and bulk actions, collected again here so they run on S3
(moto over HTTP).

Collected in this folder, they get tests/s3/conftest.py's fixtures: the default storage is
S3 on moto and `stored_objects` lists the bucket.
"""

import pytest

from tests.api.test_files import (  # noqa: F401 - here, not in test_core_suite_on_s3.py,
    # whose star-imported fixtures delete at once and keep no versions
    test_delete_moves_the_file_to_the_trash_and_queues_the_admin_alert,
    test_patch_with_a_file_replaces_the_content_keeps_the_name_and_the_old_as_a_version,
)
from tests.api.test_quota_api import *  # noqa: F403
from tests.api.test_trash_api import *  # noqa: F403
from tests.test_bulk import *  # noqa: F403
from tests.test_quota import *  # noqa: F403
from tests.test_trash import *  # noqa: F403
from tests.test_versions import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("fresh_throttle")  # as in tests/api/conftest.py
