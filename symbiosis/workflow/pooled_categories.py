"""Categories of pooled services, shared by pooled services and practice sheets.

Pure: the pooled-service workflow, the practice library and their forms all
read this one tuple, so a sheet and a service of one category can be linked.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "waste_collection",
    "mobility",
    "shared_equipment",
    "joint_purchasing",
    "awareness",
    "energy",
    "other",
)
