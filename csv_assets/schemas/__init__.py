"""One pandera DataFrameModel per source: the contract its files must meet."""
