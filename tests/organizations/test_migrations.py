"""Moving the Agency model into `organizations` changes Django's state only: a database
upgraded from the release before the move and a fresh one end with the same schema, and
permissions granted on agencies survive the upgrade."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SCHEMA_QUERIES = {
    "columns": """
        SELECT table_name, column_name, data_type, is_nullable, column_default,
               character_maximum_length
        FROM information_schema.columns WHERE table_schema = 'public'
        ORDER BY table_name, column_name""",
    "indexes": """
        SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' ORDER BY tablename, indexname""",
    "constraints": """
        SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        ORDER BY 1, 2""",
}


def schema() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        result = {}
        for name, query in SCHEMA_QUERIES.items():
            cursor.execute(query)
            result[name] = cursor.fetchall()
    return result


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_upgraded_across_the_move_matches_a_fresh_one():
    fresh = schema()
    assert any(row[0] == "agencies_agency" for row in fresh["columns"])

    # Back to the release before the move: the model lives in `agencies` again.
    before = migrate([("organizations", None)])
    old_state = before.loader.project_state(list(before.loader.applied_migrations))
    assert ("agencies", "agency") in old_state.models
    assert ("organizations", "agency") not in old_state.models
    group = Group.objects.create(name="Reads agencies")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="agencies", codename="view_agency")
    )

    migrate(leaves())

    assert schema() == fresh
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("organizations", "view_agency")
    ]
