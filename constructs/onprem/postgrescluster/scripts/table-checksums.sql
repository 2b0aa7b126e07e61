-- One line per table of the current database, outside PostgreSQL's own
-- schemas: "<schema>.<table>|<rows>|<checksum>". The checksum is the sum
-- of the first 60 bits of each row's md5 (order-free, constant memory),
-- so a dump and its restore give the same line only when every row came
-- back unchanged. Run by psql with -At (unaligned, tuples only).
-- A row's text depends on these settings, and a database's or role's own
-- values are not in its dump: fix them so both sides print alike.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 1;
SET bytea_output = 'hex';
SET lc_monetary = 'C';
SELECT format(
  'SELECT %L, count(*), coalesce(sum((''x'' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) FROM %I.%I AS t',
  n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
ORDER BY n.nspname, c.relname
\gexec
