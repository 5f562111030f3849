"""RabbitMQ plumbing: topology, a confirming publisher and a supervised consumer."""
