-- geometry_oid finds PostGIS's geometry type, NULL when PostGIS is not
-- installed in the database (or not on the search_path).
SELECT to_regtype('geometry')::oid
