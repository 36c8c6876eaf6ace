"""Notifications: per-workspace webhooks (Slack-compatible JSON) and e-mail when runs end or are lost."""
