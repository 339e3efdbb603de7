"""The restaurant's own back office (outside the Django admin): menus,
tables and QR codes, staff, and the manager's dashboard. Mounted at /manage/.

Each page module is small and thin: `access.manager_page` picks the
restaurant the signed-in manager may run, the services do the work.
"""
