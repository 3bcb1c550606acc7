"""Database guards of the credit ledger: entries and transactions are never changed or deleted,
and (on PostgreSQL, checked at commit) every transaction's entries sum to zero per currency."""

from django.db import migrations

POSTGRES = [
    """
    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the credit ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$;
    """,
    """
    CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON orders_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    """,
    """
    CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE
    ON orders_ledgertransaction FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    """,
    """
    CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM orders_ledgerentry WHERE transaction_id = NEW.transaction_id
            GROUP BY currency HAVING SUM(amount) <> 0
        ) THEN
            RAISE EXCEPTION 'ledger transaction % does not balance', NEW.transaction_id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END $$;
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_transaction_balanced AFTER INSERT ON orders_ledgerentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER ledger_transaction_balanced ON orders_ledgerentry",
    "DROP FUNCTION ledger_check_balanced()",
    "DROP TRIGGER ledger_transaction_append_only ON orders_ledgertransaction",
    "DROP TRIGGER ledger_entry_append_only ON orders_ledgerentry",
    "DROP FUNCTION ledger_refuse_change()",
]
SQLITE = [
    f"""
    CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
    BEGIN SELECT RAISE(ABORT, 'the credit ledger is append-only'); END;
    """
    for table in ("orders_ledgerentry", "orders_ledgertransaction")
    for action in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER {table}_no_{action.lower()}"
    for table in ("orders_ledgerentry", "orders_ledgertransaction")
    for action in ("UPDATE", "DELETE")
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_returns_and_credit")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
