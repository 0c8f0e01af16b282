"""The CDKTF app for Google Cloud: one stack per environment plus a bootstrap stack.

Importing the package registers the Google provider bindings lazily (see ``provider``),
so a construct that imports one resource class does not import all 1,470 of them.
"""

from snowplow_infra.provider import register_provider_package

register_provider_package()
