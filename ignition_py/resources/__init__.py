"""Fetching resources: every source URL scheme upstream Ignition supports, streamed,
gunzipped and verified. A stage builds one Fetcher for its config with
`ignition_py.providers.fetcher_for_config(config, log, platform)` (providers set it up
for their platform; nothing here imports them).

This package's __init__ imports nothing: the files stage reads data: URLs through
`resources.dataurl` and must not pay for the HTTP and S3 stack unless it fetches.
"""
