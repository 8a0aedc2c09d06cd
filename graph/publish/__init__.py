"""Publishing: the Platform facade over stage, judge and settle; users and staff reports."""
