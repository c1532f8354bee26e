-- current_schema names the schema new tables go to (the first existing schema
-- of the search_path), or NULL when there is none.
SELECT current_schema()
