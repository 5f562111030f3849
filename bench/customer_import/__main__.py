"""python -m bench.customer_import [--rows N]"""
from bench.customer_import.run import main

main()
