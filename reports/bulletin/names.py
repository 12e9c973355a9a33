"""The Vietnamese names the bulletin and the Excel exports give to tiers, states and levels:
documents that travel between offices read the same whatever the page's language."""

from __future__ import annotations

from communes.models import Level
from criteria.models import AssessmentState, Tier

# A summary record (a past year's standing from an old report) says so beside its state.
SUMMARY_MARK = " · hồ sơ tổng hợp"
TIER_NAMES = {Tier.STANDARD: "NTM", Tier.ADVANCED: "NTM nâng cao", Tier.MODEL: "NTM kiểu mẫu"}
LEVEL_SET_NAMES = {Level.COMMUNE: "Xã", Level.VILLAGE: "Thôn", Level.DISTRICT: "Huyện"}
STATE_NAMES = {
    AssessmentState.DRAFT: "Dự thảo",
    AssessmentState.SUBMITTED: "Đã gửi",
    AssessmentState.VERIFIED: "Đã thẩm tra",
    AssessmentState.APPRAISED: "Tỉnh đã thẩm định",
    AssessmentState.RECOGNISED: "Đã công nhận",
    AssessmentState.RETURNED: "Trả lại để chỉnh sửa",
    AssessmentState.REVOKED: "Đã thu hồi công nhận",
}
