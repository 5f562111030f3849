"""exportCustomerData: one person's whole data (needs customers:personal-data; audited like a mutation)."""
import strawberry
from strawberry.types import Info

from gateway.data_export.export import export_customer_data
from gateway.data_export.types import CustomerDataExport


@strawberry.type
class DataExportQueries:
    @strawberry.field(description="Everything every service holds on the customer, and the audit records about "
                                  "them, as one document (a data subject's access request). Not a page: the "
                                  "whole of it, or an error (NOT_FOUND, UNAVAILABLE when a service is down, "
                                  "EXPORT_TOO_LARGE). Each export is written to the audit log.")
    async def export_customer_data(self, info: Info, customer_id: strawberry.ID) -> CustomerDataExport:
        document = await export_customer_data(info.context, str(customer_id), via="graphql")
        return CustomerDataExport.from_document(document)
