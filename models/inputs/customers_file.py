"""The customers file named by the `customers_input` var, read by Spark as text columns."""

from customer_segmentation.inputs import input_files_of, read_customers_file


def model(dbt, session):
    """Every row of the file, its columns as in its header, plus row number and parse problems."""
    settings = dbt.config.get("customers_input")
    path = settings["path"]
    encoding = settings.get("encoding", "utf-8")
    delimiter = settings.get("delimiter", ",")
    checked = input_files_of(dbt.ref("customers_input_files"), path, encoding, delimiter)
    return read_customers_file(
        session, path, encoding=encoding, delimiter=delimiter, checked=checked
    )
