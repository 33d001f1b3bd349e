"""Version of the sparkoss adapter plugin (read by dbt's adapter factory)."""

version = "1.11.0"
