-- Published statistics (docs/public-statistics.md): whether a country's
-- validated community and statistics records are counted on the public
-- page, and the small-cell threshold it asks for (0: the installation's;
-- a country may only raise it).
ALTER TABLE countries ADD COLUMN publish_stats BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE countries ADD COLUMN stats_min_cell INTEGER NOT NULL DEFAULT 0;
