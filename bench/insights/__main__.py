"""python -m bench.insights [--customers N]"""
from bench.insights.run import main

main()
