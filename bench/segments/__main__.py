"""python -m bench.segments [--customers N]"""
from bench.segments.run import main

main()
