class ConflictService:
    def get_person(self, person_id):
        return {}

    def fetch_person(self, person_id):
        return {}
