"""Bench: order.placed events credited by the loyalty service vs a bare aio-pika + pymongo consumer."""
