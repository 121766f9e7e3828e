"""The pure pipeline, one subpackage per stage: sniff, read, validate, load. No Dagster here.

Stages rank read < sniff < validate < load: each imports only stages below it, and only through
their ``__init__``. Below them all sit the names every stage shares: ``errors`` (the two kinds of
failure), ``dialect`` (how a file is written: the sniffer's verdict, the reader's instructions)
and ``cells`` (what a cell's text means: null and boolean tokens, number styles, kinds).
"""
