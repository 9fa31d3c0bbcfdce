"""Local test doubles of the CRM APIs (Salesforce REST, HubSpot CRM v3), serving a landing
folder's demo company on 127.0.0.1 in the APIs' documented response shapes.

They exist so the API sources can be tested, benchmarked and demonstrated offline; they are
not an implementation of either API (see README.md beside this file).
"""
