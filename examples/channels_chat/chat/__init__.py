"""A chat written the Channels way: a sync consumer with async_to_sync, and an async one."""
