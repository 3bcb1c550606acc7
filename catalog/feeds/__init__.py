"""Inventory feeds: a seller's CSV of listings, imported as a job keyed by seller SKU.

- `columns`: the documented column names and the yard-export aliases, in one table.
- `parsing`: pure decoding, header mapping and row validation into frozen dataclasses.
- `writer`: the set-based write of validated rows (staging table, UPDATE, INSERT).
- `services`: the job: `feed_import_create` and `feed_import_run`.
"""
