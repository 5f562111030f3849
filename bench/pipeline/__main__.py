"""python -m bench.pipeline [--events N]"""
from bench.pipeline.run import main

main()
