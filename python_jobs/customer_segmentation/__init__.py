"""customer_segmentation: the Python behind the dbt project, under one distinctive namespace.

- `customer_segmentation.segmentation`: feature resolution, MLlib KMeans, labels, naming.
- `customer_segmentation.inputs`: the checked customers-file reader (encoding, line ends).
- `customer_segmentation.datagen`: the deterministic messy-customer generator.
- `customer_segmentation.dbtchain`: several dbt commands in one process (one JVM).

The dbt adapter lives apart, in its required home `dbt.adapters.sparkoss`.
"""
