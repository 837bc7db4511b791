"""Drafting an exports.yaml from a folder of exports, and comparing one with its files (`regaudit map`)."""
