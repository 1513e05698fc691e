-- Shared helpers every later table uses.

-- Keeps a table's `updated_at` column current: attach with
--   create trigger <table>_updated_at before update on <table>
--   for each row execute function set_updated_at();
create or replace function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;
