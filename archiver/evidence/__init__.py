"""Evidence that holds up: packages a recipient can check offline, years later.

- :mod:`~archiver.evidence.package` seals a WACZ (verdicts, signature, timestamps);
- :mod:`~archiver.evidence.verify` checks one without a network;
- :mod:`~archiver.evidence.privacy` keeps private and taken-down posts out of what is handed out.
"""
