"""Enums with the spec's lower-case values."""
from enum import Enum

import strawberry


@strawberry.enum
class CustomerStatus(Enum):
    active = "active"
    inactive = "inactive"
    suspended = "suspended"


@strawberry.enum
class LoyaltyTier(Enum):
    bronze = "bronze"
    silver = "silver"
    gold = "gold"
    platinum = "platinum"


@strawberry.enum
class Gender(Enum):
    male = "male"
    female = "female"
    other = "other"


@strawberry.enum
class OrderStatus(Enum):
    pending = "pending"
    paid = "paid"
    shipped = "shipped"
    delivered = "delivered"
    cancelled = "cancelled"
    refunded = "refunded"


@strawberry.enum
class CustomerSortField(Enum):
    registrationDate = "registrationDate"
    lastPurchaseDate = "lastPurchaseDate"
    totalSpent = "totalSpent"
    totalOrders = "totalOrders"
    lastName = "lastName"
    firstName = "firstName"
    email = "email"
    loyaltyPoints = "loyaltyPoints"
    churnRisk = "churnRisk"  # insights (docs/insights.md): customers not scored yet come last in desc order
    predictedClv = "predictedClv"
    historicClv = "historicClv"
    rfmScore = "rfmScore"


@strawberry.enum
class SortOrder(Enum):
    asc = "asc"
    desc = "desc"


@strawberry.enum
class InteractionKind(Enum):
    login = "login"
    logout = "logout"
    page_view = "page_view"
    support_contact = "support_contact"
    review = "review"
    wishlist = "wishlist"
    other = "other"
