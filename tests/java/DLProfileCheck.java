// Prints every OWL 2 DL profile violation the OWL API finds in an ontology document, then
// IN-PROFILE or NOT-IN-PROFILE. Run in source-file mode with HermiT.jar (which bundles the OWL API)
// on the class path: java -cp HermiT.jar DLProfileCheck.java ONTOLOGY.owl
import java.io.File;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class DLProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println(violation);
        }
        System.out.println(report.isInProfile() ? "IN-PROFILE" : "NOT-IN-PROFILE");
    }
}
