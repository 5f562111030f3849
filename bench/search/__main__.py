"""python -m bench.search [--customers N]"""
from bench.search.run import main

main()
