"""Every file `customers_input.path` matches, checked, with the loader's own record count."""

from customer_segmentation.inputs import check_files, input_files_frame


def model(dbt, session):
    """One row per input file: checked bytes, header, and data records by Python's csv module."""
    settings = dbt.config.get("customers_input")
    path = settings["path"]
    encoding = settings.get("encoding", "utf-8")
    delimiter = settings.get("delimiter", ",")
    files = check_files(session, path, encoding=encoding, delimiter=delimiter)
    return input_files_frame(session, files, path, encoding, delimiter)
