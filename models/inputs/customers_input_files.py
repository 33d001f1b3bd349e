"""Every customers input file, checked, with the loader's own count of its data records."""

from customer_segmentation.inputs import check_files, input_files_frame, seed_input_file


def model(dbt, session):
    """One row per input file: the seed's CSV, or each file `customers_input.path` matches."""
    settings = dbt.config.get("customers_input")
    if settings.get("path") is None:
        files = [seed_input_file(dbt.config.get("seed_file"))]
    else:
        files = check_files(
            session,
            settings["path"],
            encoding=settings.get("encoding", "utf-8"),
            delimiter=settings.get("delimiter", ","),
        )
    return input_files_frame(session, files)
