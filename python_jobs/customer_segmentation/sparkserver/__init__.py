"""The project's Spark server: one JVM serving HiveServer2 (Thrift) and Spark Connect.

    python -m customer_segmentation.sparkserver start|stop|status   (make serve / make stop)

`start` runs Spark's HiveThriftServer2 with the Spark Connect plugin over one Hive catalog and
warehouse in its own state folder (SPARK_SERVER_STATE_DIR, default .spark-server/), and
returns only once `select 1` answers on both ports; `stop` leaves no process and no open port.
Settings are environment variables (settings.py); SPARK_SERVER_AUTH=password makes both
protocols require credentials (auth.py).
"""
