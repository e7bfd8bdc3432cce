"""Capture: the browser, the CDP recorder and the WARC/WACZ writers, kept apart."""
