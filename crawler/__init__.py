"""The web crawler: a Scrapy project of sources, spiders and lead-extraction pipelines."""
