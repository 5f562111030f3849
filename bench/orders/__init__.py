"""Orders recorded through POST /orders/batch against a raw insert_many of the same order documents."""
