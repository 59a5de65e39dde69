"""The fixed lists moderators and reporters choose from (value -> label)."""

# What a visitor may report an image for.
REPORT_REASONS = {
    "spam": "Spam",
    "nudity": "Nudity or sexual content",
    "violence": "Violence",
    "hate": "Hate or harassment",
    "copyright": "Copyright",
    "private_information": "Private information",
    "other": "Other",
}

# Why a moderator decided: the report reasons, and the reasons to leave an image up.
DECISION_REASONS = {
    **{k: v for k, v in REPORT_REASONS.items() if k != "other"},
    "illegal": "Illegal content",
    "malware": "Malware",
    "abuse": "Repeated abuse (ban)",
    "within_rules": "Within the rules",
    "report_unfounded": "Report unfounded",
    "appeal_granted": "Appeal granted",
    "appeal_refused": "Appeal refused",
    "other": "Other (see note)",
}

NOTE_MAX = 1000

# The decisions on an image, as the admin offers them (action -> label).
IMAGE_ACTIONS = {
    "approve": "Approve",
    "hide": "Hide",
    "restore": "Restore (show again)",
    "takedown": "Take down (hide, disable links, purge the CDN)",
    "remove": "Remove (delete the files)",
    "dismiss": "Dismiss reports",
}
