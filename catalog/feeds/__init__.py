"""Inventory feeds: a seller's CSV of listings, imported as a job keyed by seller SKU.

- `columns`: the documented column names and the yard-export aliases, in one table.
- `reading`: pure decoding, delimiter and header mapping: bytes into a table of raw cells.
- `validation`: pure parsing and checking of every row into frozen dataclasses and problems.
- `writer`: the set-based write of validated rows (staging table, UPDATE, INSERT).
- `services`: the job: `feed_import_create` and `feed_import_run`.
- `progress`: how far a running job has got, for the pages that poll it.
"""
