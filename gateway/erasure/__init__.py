"""eraseCustomer: the right to erasure, through the customers service (customer.erased reaches the others), and the
gateway's own audit log redacted of the person's details."""
