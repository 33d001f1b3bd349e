"""Every file `transactions_input.path` matches, checked, with the loader's own record count."""

from customer_segmentation.inputs import check_files, input_files_frame, parquet_input_files

SETTING = "transactions_input"


def model(dbt, session):
    """One row per order-lines file: checked bytes and header, and its data records."""
    settings = dbt.config.get("transactions_input")
    path = settings["path"]
    if settings.get("format", "csv") == "parquet":
        return parquet_input_files(session, path, SETTING)
    encoding = settings.get("encoding", "utf-8")
    delimiter = settings.get("delimiter", ",")
    files = check_files(
        session, path, encoding=encoding, delimiter=delimiter, setting_prefix=SETTING
    )
    return input_files_frame(session, files, path, encoding, delimiter)
