"""python -m bench.orders [--orders N]"""
from bench.orders.run import main

main()
