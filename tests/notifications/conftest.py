# The referral register's people and a referral, for the referral notifications.
from tests.referrals.conftest import location, people, referral  # noqa: F401
