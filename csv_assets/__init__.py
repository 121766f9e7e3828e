"""csv_assets: folders of CSV files become validated, typed, observable database tables."""
